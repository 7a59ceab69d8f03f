"""Spending with receipts: the upload is checked by size and by content (never by its name), the
file is stored under a random name and handed out only after a permission check."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from doorstroom.community import activities
from doorstroom.community.models import ActivityStatus, Expense
from doorstroom.community.receipts import check_receipt, sniff
from tests.factories import ActivityRequestFactory, ResidentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def nl(msgid: str, **values: Any) -> str:
    with translation.override("nl"):
        text = gettext(msgid)
    return escape(text % values if values else text)


def url(name: str, community: Any, *args: Any) -> str:
    return reverse(f"community:{name}", args=[community.pk, *args])


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


# A HEIC file starts with an ftyp box naming its brand (Pillow cannot open it without a plugin).
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def activity(resident: Any) -> Any:
    return ActivityRequestFactory(
        requested_by=resident, status=ActivityStatus.APPROVED, amount_granted=Decimal("50.00")
    )


def expense_data(receipt: Any = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "Boodschappen",
        "amount": "23,45",
        "spent_on": TODAY.isoformat(),
    }
    if receipt is not None:
        data["receipt"] = receipt
    data.update(overrides)
    return data


# --- The content check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (image_bytes("PNG"), "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
        (image_bytes("WEBP"), "image/webp"),
        (HEIC, "image/heic"),
        (PDF, "application/pdf"),
    ],
)
def test_photos_and_pdfs_are_accepted_by_their_content(content: bytes, content_type: str) -> None:
    assert sniff(content[:1024]) == content_type
    # The name does not matter: a PNG called .pdf is still a PNG.
    checked = check_receipt(upload("bon.pdf", content))
    assert checked.content_type == content_type
    assert checked.original_name == "bon.pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bon.pdf", b"Dit is gewoon tekst, geen PDF.\n"),
        ("bon.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200),
        ("bon.jpg", b"<html><script>alert(1)</script></html>"),
        ("bon.png", b"\x89PNG\r\n\x1a\n" + b"kapot" * 20),
        ("bon.jpg", b""),
    ],
)
def test_anything_else_is_refused(name: str, content: bytes) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_receipt(upload(name, content))
    assert error.value.messages == ["A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."]


def test_an_oversized_receipt_is_refused(settings: Any) -> None:
    settings.COMMUNITY_RECEIPT_MAX_MB = 1
    big = PDF + b"0" * int(1.1 * 1024 * 1024)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_receipt(upload("bon.pdf", big))
    assert error.value.messages == ["The receipt is larger than 1 MB."]
    filler = b"0" * (1024 * 1024 - len(PDF))
    assert check_receipt(upload("bon.pdf", PDF.replace(b"%%EOF", filler + b"%%EOF")))


@pytest.mark.parametrize(
    "content",
    [
        b"<html><!-- %PDF-1.4 --><script>alert(1)</script></html>",  # a header in disguise
        PDF.replace(b"%%EOF\n", b""),  # cut off: no end-of-file marker
    ],
)
def test_only_a_whole_pdf_counts_as_one(content: bytes) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_receipt(upload("bon.pdf", content))
    assert error.value.messages == ["A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."]


# --- Recording spending ---------------------------------------------------------------------------


def test_the_requester_records_spending_with_a_photo(
    community: Any, resident: Any, activity: Any, as_user: Any, settings: Any
) -> None:
    response = as_user(resident).post(
        url("add_expense", community, activity.pk),
        expense_data(upload("Bonnetje AH.PNG", image_bytes("PNG"), "image/png")),
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.amount == Decimal("23.45")
    assert expense.request == activity
    assert expense.recorded_by == resident.user
    assert expense.receipt_type == "image/png"
    assert expense.receipt_name == "Bonnetje AH.PNG"
    stored = Path(expense.receipt.name)
    assert stored.parent == Path(f"receipts/{community.pk}")
    assert stored.suffix == ".png" and "Bonnetje" not in stored.name and len(stored.stem) == 32
    assert (Path(settings.MEDIA_ROOT) / expense.receipt.name).read_bytes() == image_bytes("PNG")


def test_spending_without_a_receipt(
    community: Any, resident: Any, activity: Any, as_user: Any
) -> None:
    response = as_user(resident).post(url("add_expense", community, activity.pk), expense_data())
    assert response.status_code == 302
    assert not Expense.objects.get().receipt


def test_a_non_image_receipt_is_refused_and_nothing_is_recorded(
    community: Any, resident: Any, activity: Any, as_user: Any
) -> None:
    response = as_user(resident).post(
        url("add_expense", community, activity.pk),
        expense_data(upload("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100)),
    )
    assert response.status_code == 400
    assert nl("A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF.") in response.content.decode()
    assert not Expense.objects.exists()


def test_an_oversized_receipt_is_refused_on_the_page(
    community: Any, resident: Any, activity: Any, as_user: Any, settings: Any
) -> None:
    settings.COMMUNITY_RECEIPT_MAX_MB = 1
    response = as_user(resident).post(
        url("add_expense", community, activity.pk),
        expense_data(upload("scan.pdf", PDF + b"0" * int(1.1 * 1024 * 1024))),
    )
    assert response.status_code == 400
    assert nl("The receipt is larger than %(mb)s MB.", mb=1) in response.content.decode()
    assert not Expense.objects.exists()


def test_the_service_checks_the_receipt_too(resident: Any, activity: Any) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activities.record_expense(
            acting_user=resident.user,
            request=activity,
            description="Boodschappen",
            amount=Decimal("5"),
            spent_on=TODAY,
            receipt=upload("bon.pdf", b"geen pdf"),
        )
    assert error.value.message_dict == {
        "receipt": ["A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."]
    }
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "twaalf"}, "Fill in an amount, for example 12.50."),
        ({"amount": "0"}, "An amount is more than € 0."),
        ({"description": ""}, "Fill in what was bought."),
        (
            {"spent_on": (TODAY + dt.timedelta(days=1)).isoformat()},
            "The date of a purchase cannot be in the future.",
        ),
    ],
)
def test_bad_spending_is_refused(
    community: Any,
    resident: Any,
    activity: Any,
    as_user: Any,
    overrides: dict[str, str],
    message: str,
) -> None:
    response = as_user(resident).post(
        url("add_expense", community, activity.pk), expense_data(**overrides)
    )
    assert response.status_code == 400
    assert nl(message) in response.content.decode()
    assert not Expense.objects.exists()


def test_spending_above_the_grant_is_allowed_with_a_warning(
    community: Any, resident: Any, activity: Any, as_user: Any
) -> None:
    client = as_user(resident)
    client.post(url("add_expense", community, activity.pk), expense_data(amount="40"))
    response = client.post(
        url("add_expense", community, activity.pk), expense_data(amount="15"), follow=True
    )
    content = response.content.decode()
    assert Expense.objects.count() == 2
    assert "utrecht-alert--warning" in content
    assert "55,00" in content and "50,00" in content


def test_spending_only_on_an_approved_or_evaluated_activity(
    community: Any, resident: Any, as_user: Any
) -> None:
    submitted = ActivityRequestFactory(requested_by=resident)
    response = as_user(resident).post(
        url("add_expense", community, submitted.pk), expense_data(), follow=True
    )
    assert nl("Spending is recorded on an approved activity.") in response.content.decode()
    assert not Expense.objects.exists()
    with translation.override("en"), pytest.raises(ValidationError):
        activities.record_expense(
            acting_user=resident.user,
            request=submitted,
            description="x",
            amount=Decimal("1"),
            spent_on=TODAY,
        )
    evaluated = ActivityRequestFactory(
        requested_by=resident,
        status=ActivityStatus.EVALUATED,
        amount_granted=Decimal("10"),
        starts_on=TODAY - dt.timedelta(days=3),
    )
    response = as_user(resident).post(url("add_expense", community, evaluated.pk), expense_data())
    assert response.status_code == 302


def test_who_records_spending(
    community: Any,
    resident: Any,
    board: Any,
    manager: Any,
    outsiders: dict[str, Any],
    activity: Any,
    as_user: Any,
) -> None:
    for person in [resident, board["treasurer"], manager]:
        client = as_user(person)
        assert client.get(url("add_expense", community, activity.pk)).status_code == 200
        assert (
            client.post(url("add_expense", community, activity.pk), expense_data()).status_code
            == 302
        )
    refused = [board["chair"], ResidentFactory(community=community), *outsiders.values()]
    for person in refused:
        client = as_user(person)
        assert client.get(url("add_expense", community, activity.pk)).status_code == 404
        assert (
            client.post(url("add_expense", community, activity.pk), expense_data()).status_code
            == 404
        )
    assert Expense.objects.count() == 3
    with pytest.raises(PermissionDenied):
        activities.record_expense(
            acting_user=board["chair"].user,
            request=activity,
            description="x",
            amount=Decimal("1"),
            spent_on=TODAY,
        )


# --- Handing out a receipt ------------------------------------------------------------------------


def stored_expense(activity: Any, name: str, content: bytes) -> Expense:
    return activities.record_expense(
        acting_user=None,
        request=activity,
        description="Bon",
        amount=Decimal("5"),
        spent_on=TODAY,
        receipt=upload(name, content),
    )


def test_a_photo_is_shown_inline_a_pdf_is_downloaded(
    community: Any, resident: Any, activity: Any, as_user: Any
) -> None:
    photo = stored_expense(activity, "foto.png", image_bytes("PNG"))
    pdf = stored_expense(activity, "scan.pdf", PDF)
    client = as_user(resident)
    response = client.get(url("receipt", community, photo.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == image_bytes("PNG")
    response = client.get(url("receipt", community, pdf.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="scan.pdf"' in response["Content-Disposition"]
    detail = client.get(url("request", community, activity.pk)).content.decode()
    assert url("receipt", community, photo.pk) in detail


def test_who_sees_a_receipt(
    community: Any,
    resident: Any,
    board: Any,
    manager: Any,
    outsiders: dict[str, Any],
    activity: Any,
    as_user: Any,
) -> None:
    expense = stored_expense(activity, "foto.jpg", image_bytes("JPEG"))
    for person in [resident, board["chair"], board["member"], manager]:
        assert as_user(person).get(url("receipt", community, expense.pk)).status_code == 200
    for person in [ResidentFactory(community=community), *outsiders.values()]:
        assert as_user(person).get(url("receipt", community, expense.pk)).status_code == 404


def test_no_receipt_or_another_community_is_404(
    community: Any, resident: Any, activity: Any, as_user: Any
) -> None:
    without = activities.record_expense(
        acting_user=None, request=activity, description="x", amount=Decimal("1"), spent_on=TODAY
    )
    other = ActivityRequestFactory(status=ActivityStatus.APPROVED, amount_granted=Decimal("5"))
    elsewhere = stored_expense(other, "foto.png", image_bytes("PNG"))
    client = as_user(resident)
    assert client.get(url("receipt", community, without.pk)).status_code == 404
    assert client.get(url("receipt", community, elsewhere.pk)).status_code == 404
    assert client.get(url("receipt", community, 999999)).status_code == 404
