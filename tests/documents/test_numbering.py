"""Document numbers (文号): the issuing body's prefix, the year and a sequence, unique and
without gaps per prefix and year; and an issued document never changes."""

from datetime import date

import pytest
from django.db import transaction

from documents.compose import Subject
from documents.models import Document, DocumentCounter, IssuedDocumentError, IssuingBody, Kind
from documents.services import document_issue, format_number, number_allocate

pytestmark = pytest.mark.django_db


def issue(application, *, on=date(2026, 9, 28), body=None):
    return document_issue(
        subject=Subject(kind=Kind.APPROVAL_NOTICE, on=on, application=application),
        actor=None,
        body=body,
    )


def test_a_number_reads_prefix_year_and_sequence():
    assert format_number("嘉经信", 2025, 12) == "嘉经信〔2025〕12号"


def test_numbers_run_on_per_prefix_and_start_again_each_year(bureau, county_body, in_notice):
    first, second = issue(in_notice), issue(in_notice)
    other_body = issue(in_notice, body=county_body)
    next_year = issue(in_notice, on=date(2027, 1, 4))

    assert [first.number, second.number] == ["嘉经信〔2026〕1号", "嘉经信〔2026〕2号"]
    assert other_body.number == "南经信〔2026〕1号"
    assert next_year.number == "嘉经信〔2027〕1号"
    assert (next_year.prefix, next_year.year, next_year.sequence) == ("嘉经信", 2027, 1)


def test_an_issue_that_is_rolled_back_gives_its_number_back(bureau, in_notice):
    issue(in_notice)
    with pytest.raises(RuntimeError), transaction.atomic():
        issue(in_notice)
        raise RuntimeError("the move it belonged to failed")

    assert issue(in_notice).number == "嘉经信〔2026〕2号"
    assert sorted(Document.objects.values_list("sequence", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_number_is_taken_only_inside_the_issuing_transaction():
    with pytest.raises(RuntimeError):
        number_allocate(prefix="嘉经信", year=2026)
    assert not DocumentCounter.objects.exists()


def test_no_issuing_body_no_document(in_notice):
    with pytest.raises(Exception, match="No issuing body"):
        issue(in_notice)
    assert not Document.objects.exists()


def test_the_verification_code_is_long_random_and_not_the_number(bureau, in_notice):
    codes = {issue(in_notice).code for _ in range(3)}

    assert len(codes) == 3
    assert all(len(code) >= 24 and "2026" not in code for code in codes)


def test_an_issued_document_is_never_changed_or_deleted(bureau, in_notice):
    document = issue(in_notice)
    document.title = "改过的标题"

    with pytest.raises(IssuedDocumentError):
        document.save()
    with pytest.raises(IssuedDocumentError):
        document.delete()
    with pytest.raises(IssuedDocumentError):
        Document.objects.filter(pk=document.pk).update(title="改过的标题")
    with pytest.raises(IssuedDocumentError):
        Document.objects.filter(pk=document.pk).delete()
    document.refresh_from_db()
    assert document.title != "改过的标题"


def test_the_bureau_is_one_body(bureau):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingBody.objects.create(
            name="另一局", header="另一局文件", prefix="另", signature="另一局", is_default=True
        )
