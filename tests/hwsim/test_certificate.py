"""hwsim.certificate: bilingual PDF with embedded CJK font; the web results partial renders the same data."""

from __future__ import annotations

import io
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest
from django.template import Context
from pypdf import PdfReader

from hwsim.certificate import CertificateContext, render_certificate_html, render_certificate_pdf, template_engine
from hwsim.charts import all_charts
from hwsim.runner import run_verification

pytestmark = pytest.mark.no_services  # tests/conftest.py: the PostgreSQL pass skips it

SPEC = {
    "seed": 5,
    "quick": True,
    "platforms": [
        {
            "key": "edge",
            "name": "Edge NPU 邊緣",
            "accelerator": {"rows": 32, "cols": 32},
            "node_nm": 28,
            "chiplet_area_mm2": 25.0,
        }
    ],
    "workloads": [{"key": "mobilenet_v1", "batch": 1}],
    "scenarios": ["SingleStream", "Offline"],
}


@pytest.fixture(scope="module")
def context() -> CertificateContext:
    results = run_verification(SPEC)
    return CertificateContext(
        report_number="AIL-2025-0007",
        tenant_name="AI晶片系統驗證實驗室",
        tenant_name_en="AI-Chip Verification Lab",
        requester="晶創科技股份有限公司",
        title="邊緣推論晶片驗證",
        issued_at=datetime(2025, 3, 14, 10, 0, tzinfo=UTC),
        spec=SPEC,
        results=results,
        charts=all_charts(results),
        simulator_version=results["simulator_version"],
    )


@pytest.fixture(scope="module")
def pdf(context) -> bytes:
    return render_certificate_pdf(context)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_text_has_title_report_number_and_numbers(pdf, context):
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "跨平台效能驗證報告" in text
    assert "Cross-Platform Performance Verification Report" in text
    assert text.count("AIL-2025-0007") >= len(PdfReader(io.BytesIO(pdf)).pages)  # footer on every page
    w = context.results["platforms"][0]["workloads"][0]
    assert f"{w['network']['macs']:,}" in text
    assert f"{w['network']['cycles']:,}" in text
    assert f"{context.results['platforms'][0]['cost']['total_cost_usd']:,.2f}" in text
    assert "INVALID" in text and "quick run" in text
    flat = text.replace("\n", " ")
    assert "Simulated result — not an MLPerf® result." in flat and "MLPerf is a trademark of MLCommons" in flat
    assert "1 scenario runs are VALID" not in flat and "0 of 2 scenario runs are VALID, 2 INVALID" in flat
    assert context.simulator_version in text


def test_cjk_font_is_embedded(pdf):
    embedded = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            desc_font = descendants[0].get_object() if descendants else font
            descriptor = desc_font["/FontDescriptor"].get_object()
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]).replace("-", ""))
    assert any("NotoSansCJK" in name for name in embedded), embedded


def test_html_has_charts_and_escapes_user_text(context):
    hostile = CertificateContext(**{**context.__dict__, "requester": "<script>x</script>"})
    html = render_certificate_html(hostile)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert html.count('<img src="data:image/svg+xml;base64,') == len(context.charts)
    with pytest.raises(FrozenInstanceError):
        context.title = "changed"  # type: ignore[misc]


def test_results_partial_renders_tables_and_inline_charts(context):
    from django.utils import translation

    from hwsim.presentation import results_view

    template = template_engine().get_template("hwsim/_results.html")
    with translation.override("en"):
        view = results_view(context.results, context.charts)
        html = template.render(Context({"view": view}))
    assert html.count("<svg") == len(context.charts)
    assert "Edge NPU 邊緣" in html and "Single stream" in html and "INVALID" in html
    assert "SingleStream" not in html.split("<svg")[0]  # the code only inside the charts' ids
    assert "quick run" in html
    assert f"{context.results['platforms'][0]['cost']['total_cost_usd']:.2f}" in html


def test_pdf_is_reproducible_and_has_metadata(pdf, context):
    assert render_certificate_pdf(context) == pdf
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta["/Title"] == "跨平台效能驗證報告 AIL-2025-0007"
    assert meta["/CreationDate"].startswith("D:20250314100000")
