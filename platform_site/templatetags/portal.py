"""Small template helpers.

``{% form_fields form %}`` (what ``includes/form_fields.html`` does): the fields of a form as
``includes/_form_fields_body.html`` renders them. An UNBOUND form renders the same HTML every time for the
same form class, prefix and ids, field definitions, initial values and language, so that HTML is kept
(per process, the :data:`FORM_HTML_CACHE_SIZE` most recent) under a key of exactly those inputs: Django's
widget templates cost ~0.4 ms for a 2-field form and ~0.8 ms for the qualification decision form on every
case page (benchmarks/README.md). A bound form (errors, typed values), a field with callable initial values
or lazily computed choices (e.g. a ModelChoiceField's queryset) is always rendered.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django import forms, template
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


@register.filter
def absolute(value: int) -> int:
    """``|absolute``: the absolute value of an integer (e.g. working days overdue)."""
    return abs(value)


#: Unbound forms' HTML kept per process (a small LRU: a few forms per page type and language).
FORM_HTML_CACHE_SIZE = 256
_form_html: OrderedDict[tuple, SafeString] = OrderedDict()
_WIDGET_ATTRIBUTES = ("attrs", "input_type", "format", "allow_multiple_selected", "template_name")


def _form_key(form: forms.BaseForm) -> tuple | None:
    """Everything an unbound form's field HTML depends on, as a hashable key; None when not cacheable."""
    if form.is_bound or form._errors:
        return None
    fields = []
    for name, field in form.fields.items():
        initial = form.initial.get(name, field.initial)
        choices = getattr(field, "choices", ())
        if callable(initial) or not isinstance(choices, (list, tuple)):
            return None
        widget = field.widget
        fields.append(
            (
                name,
                type(field),
                type(widget),
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                field.localize,
                repr(initial),
                repr([(value, str(label)) for value, label in field.widget.choices])
                if getattr(widget, "choices", None)
                else "",
                repr([(a, getattr(widget, a, None)) for a in _WIDGET_ATTRIBUTES]),
            )
        )
    return (
        type(form),
        get_language(),
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        type(form.renderer),
        getattr(form, "error_css_class", None),
        getattr(form, "required_css_class", None),
        tuple(fields),
    )


@register.simple_tag
def form_fields(form: forms.BaseForm) -> SafeString:
    """The fields of ``form`` (includes/_form_fields_body.html), remembered for an unbound form.

    Renders nothing when the context has no form (``form`` resolves to ``""``), as the include did."""
    if not isinstance(form, forms.BaseForm):
        return mark_safe("")
    key = _form_key(form)
    if key is not None and key in _form_html:
        _form_html.move_to_end(key)
        return _form_html[key]
    html = mark_safe(get_template("includes/_form_fields_body.html").render({"form": form}))
    if key is not None:
        _form_html[key] = html
        if len(_form_html) > FORM_HTML_CACHE_SIZE:
            _form_html.popitem(last=False)
    return html


@receiver(file_changed)
def _forget_form_html(**kwargs: Any) -> None:
    """Development: an edited template (e.g. a widget's) shows at once, as with the template loaders."""
    _form_html.clear()


@register.simple_tag
def can(user: object, perm: str, obj: object = None) -> bool:
    """``{% can user "app.perm" obj as allowed %}``: :func:`platform_site.rules.can` (rules only, no
    superuser short-cut), e.g. for a menu link."""
    from platform_site.rules import can as rules_can

    return rules_can(user, perm, obj)
