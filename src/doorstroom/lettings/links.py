"""Absolute links in e-mails: SITE_URL plus a path. The applicant's personal page is reached only
through :func:`applicant_link` (the signed application number, see models/applications.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from doorstroom.lettings.models import Application, link_token


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def applicant_link(application: Application) -> str:
    """The absolute address of the applicant's personal page."""
    return site_url(reverse("adverts:applicant", args=[link_token(application)]))
