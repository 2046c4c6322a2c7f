"""The profile page's writes (name, login email, preferred language) and applying the language at login.

The login is the email: ``username`` and ``email`` are kept equal and lower-cased, unique case-insensitively
(``auth_user_username_ci_uniq``, migration 0004). The preferred language is set as Django's language cookie
on the response of every login (signal ``user_logged_in`` → :class:`PreferredLanguageMiddleware`) and when
the profile is saved.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from platform_site.models import Profile

EMAIL_IN_USE = _("Another account uses this email already.")


def ensure_profile(user: Any, *, language: str = "") -> Profile:
    """The user's profile, created (with ``language``) if missing."""
    profile, _created = Profile.objects.get_or_create(user=user, defaults={"language": language})
    return profile


def preferred_language(user: Any) -> str:
    """The user's preferred language code, or ``""`` (no profile or no preference). One query."""
    return Profile.objects.filter(user=user).values_list("language", flat=True).first() or ""


def update_profile(user: Any, *, full_name: str, email: str, language: str) -> list[str]:
    """Save name (``first_name``), login email (``username`` = ``email``, lower-cased) and language.

    Returns the names of the changed fields (``"full_name"``, ``"email"``, ``"language"``). Raises
    ``ValidationError({"email": [EMAIL_IN_USE]})`` when another account has this email in any letter case
    (checked first, and again by the database's unique indexes for a concurrent change).
    """
    email = email.strip().lower()
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": [EMAIL_IN_USE]})
    changed = []
    if user.first_name != full_name:
        changed.append("full_name")
    if user.username != email or user.email != email:
        changed.append("email")
    try:
        with transaction.atomic():
            user_model.objects.filter(pk=user.pk).update(first_name=full_name, username=email, email=email)
            profile = ensure_profile(user)
            if profile.language != language:
                changed.append("language")
                profile.language = language
                profile.save(update_fields=["language"])
    except IntegrityError:
        raise ValidationError({"email": [EMAIL_IN_USE]}) from None
    user.first_name, user.username, user.email = full_name, email, email
    return changed


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Make ``language`` the language of the following requests (Django's ``LANGUAGE_COOKIE_NAME``)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At login: activate the user's preferred language and mark the response to carry its cookie."""
    if request is None:
        return
    language = preferred_language(user)
    if language and language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
        request._portal_login_language = language  # type: ignore[attr-defined]


def connect_signals() -> None:
    user_logged_in.connect(_on_login, dispatch_uid="portal_preferred_language")


class PreferredLanguageMiddleware:
    """Sets the language cookie on the response of a request in which the user logged in (see ``_on_login``)."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        language = getattr(request, "_portal_login_language", None)
        if language:
            set_language_cookie(response, language)
        return response
