"""An issued invoice is immutable (issue 11): on PostgreSQL triggers refuse an UPDATE of an invoice that left
``draft`` when it changes its content (buyer, 統一編號, address, number, dates, amounts, link to the corrected
invoice), a change of its stored PDF or SHA-256 once set, the DELETE of such an invoice, and any INSERT, UPDATE or
DELETE of a line of an invoice that left ``draft``. State, payments (paid amount and date), the void reason and
time and the first storing of the PDF stay possible. Same columns as ``billing.models.invoices.CONTENT_FIELDS``."""

from django.db import migrations

CONTENT = (
    "buyer_organization_id",
    "buyer_name",
    "buyer_ubn",
    "invoice_address",
    "case_id",
    "document_type",
    "series",
    "number",
    "number_range_id",
    "issued_on",
    "due_on",
    "sales_amount",
    "taxable_amount",
    "tax_amount",
    "total_amount",
    "replaces_id",
)
CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONTENT)
MESSAGE = "an issued invoice cannot be changed"

CREATE = [
    f"""CREATE FUNCTION billing_invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION USING MESSAGE = '{MESSAGE}', ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state <> 'draft' AND ({CHANGED}) THEN
        RAISE EXCEPTION USING MESSAGE = '{MESSAGE}', ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.pdf_sha256 <> '' AND (NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256 OR NEW.pdf IS DISTINCT FROM OLD.pdf) THEN
        RAISE EXCEPTION USING MESSAGE = 'the PDF of an issued invoice is immutable', ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON "billing_invoice" '
    "FOR EACH ROW EXECUTE FUNCTION billing_invoice_immutable()",
    f"""CREATE FUNCTION billing_invoiceline_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    invoice_state varchar;
BEGIN
    SELECT state INTO invoice_state FROM billing_invoice
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END);
    IF invoice_state IS NOT NULL AND invoice_state <> 'draft' THEN
        RAISE EXCEPTION USING MESSAGE = '{MESSAGE}', ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.invoice_id <> NEW.invoice_id THEN
        SELECT state INTO invoice_state FROM billing_invoice WHERE id = OLD.invoice_id;
        IF invoice_state IS NOT NULL AND invoice_state <> 'draft' THEN
            RAISE EXCEPTION USING MESSAGE = '{MESSAGE}', ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$""",
    'CREATE TRIGGER invoiceline_immutable BEFORE INSERT OR UPDATE OR DELETE ON "billing_invoiceline" '
    "FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_immutable()",
]
DROP = [
    'DROP TRIGGER IF EXISTS invoiceline_immutable ON "billing_invoiceline"',
    "DROP FUNCTION IF EXISTS billing_invoiceline_immutable()",
    'DROP TRIGGER IF EXISTS invoice_immutable ON "billing_invoice"',
    "DROP FUNCTION IF EXISTS billing_invoice_immutable()",
]


def _run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_invoices_row_level_security")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
