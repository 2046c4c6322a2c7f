"""Django's and DRF's own messages whose zh-Hant wording we replace with Taiwan usage.

Nothing imports this module: it exists so that ``makemessages`` finds these msgids in our code and keeps
them in ``locale/zh_Hant/LC_MESSAGES/django.po`` (``--no-obsolete`` would drop a msgid no file of ours
uses). Our catalog is under ``LOCALE_PATHS``, which Django consults before the catalogs of Django itself
and of the installed apps (DRF), so our msgstr wins for the same msgid in forms, password views and the API.

Each string must be copied byte for byte from the framework (curly apostrophes included), or the override
silently does nothing; ``tests/test_translations.py`` checks that each one is translated here. Examples:
``This field is required.`` is 「此為必需欄位。」 in DRF's catalog (which wins over Django's 「這個欄位是必須的。」)
and becomes 「此欄位為必填。」; the length messages get full-width parentheses; "你" becomes "您".
"""

from django.utils.translation import gettext_noop, ngettext_lazy

#: Django forms/models, django.contrib.auth and DRF messages (a msgid used by several is listed once).
DJANGO_MESSAGES = (
    gettext_noop("This field is required."),  # Django forms and DRF serializers
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("No file was submitted."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    # django.contrib.auth: password reset confirmation and password validators
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    # DRF
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("You do not have permission to perform this action."),
)

#: Plural messages (lazy, never evaluated here; the framework evaluates its own copy).
DJANGO_PLURAL_MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)
