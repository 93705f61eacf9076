"""CSV bulk enrolment: the file rules (pure), the all-or-nothing service, and the admin page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import PageLogEntry

from courses import enrolment_import as ei
from courses.models import Enrollment
from courses.services import (
    EnrollmentError,
    enrollment_bulk_create,
    enrollment_create,
    enrollment_withdraw,
)
from tests.conftest import make_user

# --- Reading the file (pure: no database) -------------------------------------------------


def test_one_column_without_a_header():
    parsed = ei.parse_emails("lena@example.org\nomar@example.org\n")
    assert parsed.emails == ["lena@example.org", "omar@example.org"]
    assert [r.number for r in parsed.rows] == [1, 2]
    assert not parsed.has_header and parsed.errors == []


def test_header_row_and_extra_columns_are_ignored():
    parsed = ei.parse_emails(
        "Email,Name,Team\r\nLena@Example.org ,Lena,Art\r\nomar@example.org,Omar,\r\n"
    )
    assert parsed.has_header
    assert parsed.emails == ["lena@example.org", "omar@example.org"]
    assert [r.number for r in parsed.rows] == [2, 3]


def test_header_names_the_email_column():
    parsed = ei.parse_emails("name,e-mail\nLena,lena@example.org\n")
    assert parsed.emails == ["lena@example.org"]


def test_blank_rows_are_skipped_but_keep_spreadsheet_row_numbers():
    parsed = ei.parse_emails("email\n\nlena@example.org\n,,\nomar@example.org")
    assert [(r.number, r.email) for r in parsed.rows] == [
        (3, "lena@example.org"),
        (5, "omar@example.org"),
    ]


def test_semicolon_separated_files_from_some_spreadsheets():
    parsed = ei.parse_emails("email;name\nlena@example.org;Lena\n")
    assert parsed.emails == ["lena@example.org"]


def test_invalid_and_missing_addresses_are_row_errors():
    parsed = ei.parse_emails("email,name\nnot-an-email,X\n,Nobody\nlena@example.org,Lena\n")
    assert parsed.emails == ["lena@example.org"]
    assert [(e.number, e.value) for e in parsed.errors] == [(2, "not-an-email"), (3, "")]
    assert parsed.errors[0].message == "This isn't a valid email address."
    assert parsed.errors[1].message == "This row has no email address."


def test_duplicate_rows_name_the_first_row_case_insensitively():
    parsed = ei.parse_emails("lena@example.org\nomar@example.org\nLENA@example.org\n")
    assert parsed.emails == ["lena@example.org", "omar@example.org"]
    [error] = parsed.errors
    assert (error.number, error.value, error.message) == (
        3,
        "lena@example.org",
        "Listed already on row 1.",
    )


def test_long_values_are_shortened_in_the_report():
    parsed = ei.parse_emails("x" * 500 + "\n")
    assert len(parsed.errors[0].value) == ei.SHOWN_VALUE_LENGTH


def test_too_many_rows_is_a_file_error():
    text = "email\n" + "".join(f"learner{n}@example.org\n" for n in range(ei.MAX_ROWS + 1))
    with pytest.raises(ei.ImportFileError, match="more than 5,000 rows"):
        ei.parse_emails(text)
    assert len(ei.parse_emails("email\n" + text.split("\n", 2)[2]).rows) == ei.MAX_ROWS


def test_a_header_only_file_has_no_addresses():
    with pytest.raises(ei.ImportFileError, match="no email addresses"):
        ei.parse_emails("email\n\n")


def test_malformed_csv_is_a_file_error():
    with pytest.raises(ei.ImportFileError, match="isn't valid CSV"):
        ei.parse_emails('lena@example.org\n"unterminated,quote\n')


def test_decode_accepts_utf8_with_or_without_a_byte_order_mark():
    assert ei.decode_upload("email,name\nlena@example.org,Müller\n".encode()) == (
        "email,name\nlena@example.org,Müller\n"
    )
    assert ei.decode_upload(b"\xef\xbb\xbfemail\n") == "email\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * (ei.MAX_UPLOAD_BYTES + 1), "larger than the 1.0 MB limit"),
        ("email\nlena@example.org".encode("utf-16"), "UTF-16"),
        ("email\nlena.müller@example.org".encode("latin-1"), "isn't UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5", "isn't UTF-8 text"),
        (b"email\x00\nlena@example.org", "binary data"),
        (b"", "empty"),
        (b"  \r\n\r\n", "empty"),
    ],
)
def test_decode_rejects_files_that_are_not_usable_text(data, message):
    with pytest.raises(ei.ImportFileError, match=message):
        ei.decode_upload(data)


def test_account_errors_flag_addresses_without_active_accounts():
    rows = [ei.EmailRow(1, "lena@example.org"), ei.EmailRow(2, "ghost@example.org")]
    [error] = ei.account_errors(rows, {"lena@example.org"})
    assert (error.number, error.value) == (2, "ghost@example.org")
    assert "No active Lineage account" in error.message


def test_service_errors_go_back_on_their_rows():
    rows = [ei.EmailRow(4, "a@example.org"), ei.EmailRow(7, "b@example.org")]
    errors = ei.errors_for_rows(rows, {"b@example.org": "Complete “X” first."})
    assert errors == [ei.RowError(7, "b@example.org", "Complete “X” first.")]


# --- The service: everyone or nobody ------------------------------------------------------


@pytest.fixture
def course(make_course, instructor):
    return make_course("Reading generated frames", lessons=2, instructors=[instructor])


@pytest.fixture
def advanced(make_course, instructor, course):
    advanced = make_course("Advanced frames", lessons=1, instructors=[instructor])
    advanced.prerequisites.set([course])
    advanced.save_revision().publish()
    return advanced


@pytest.mark.django_db
def test_bulk_create_enrols_everyone_matching_case_insensitively(
    course, learner, other_learner, instructor
):
    enrollments = enrollment_bulk_create(
        course=course, emails=["LENA@example.org", " omar@example.org "], actor=instructor
    )
    assert {e.user for e in enrollments} == {learner, other_learner}
    assert Enrollment.objects.active().filter(course=course).count() == 2
    entry = PageLogEntry.objects.get(page=course, action="courses.enrolment_import")
    assert entry.user == instructor
    assert entry.data == {"enrolled": 2, "already_enrolled": 0}
    assert entry.message == "Enrolled 2 learners from a CSV file (0 already enrolled)"


@pytest.mark.django_db
def test_bulk_create_keeps_existing_enrolments_and_reactivates_withdrawn(
    course, learner, other_learner, instructor
):
    existing = enrollment_create(user=learner, course=course)
    enrollment_withdraw(enrollment=enrollment_create(user=other_learner, course=course))
    enrollments = enrollment_bulk_create(
        course=course, emails=["lena@example.org", "omar@example.org"], actor=instructor
    )
    assert existing in enrollments
    assert Enrollment.objects.filter(course=course).count() == 2
    assert Enrollment.objects.active().filter(course=course).count() == 2


@pytest.mark.django_db
def test_bulk_create_with_an_unknown_address_enrols_nobody(course, learner, instructor):
    make_user("dormant", is_active=False)
    with pytest.raises(EnrollmentError) as raised:
        enrollment_bulk_create(
            course=course,
            emails=["lena@example.org", "ghost@example.org", "dormant@example.org"],
            actor=instructor,
        )
    assert set(raised.value.errors) == {"ghost@example.org", "dormant@example.org"}
    assert Enrollment.objects.count() == 0
    assert not PageLogEntry.objects.filter(action="courses.enrolment_import").exists()


@pytest.mark.django_db
def test_bulk_create_rolls_back_when_a_prerequisite_is_missing(
    advanced, learner, other_learner, instructor
):
    with pytest.raises(EnrollmentError) as raised:
        enrollment_bulk_create(
            course=advanced, emails=["lena@example.org", "omar@example.org"], actor=instructor
        )
    assert raised.value.errors == {
        "lena@example.org": "Complete “Reading generated frames” before enrolling in "
        "“Advanced frames”.",
        "omar@example.org": "Complete “Reading generated frames” before enrolling in "
        "“Advanced frames”.",
    }
    assert Enrollment.objects.filter(course=advanced).count() == 0


# --- The admin page -----------------------------------------------------------------------


def enrol_url(course) -> str:
    return f"/admin/learner-progress/{course.pk}/enrol/"


def upload(client, course, content, name="learners.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(enrol_url(course), {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.mark.django_db
def test_report_page_offers_the_upload_form(client, instructor, course):
    client.force_login(instructor)
    body = client.get(f"/admin/learner-progress/{course.pk}/").content.decode()
    assert f'action="{enrol_url(course)}"' in body
    assert 'enctype="multipart/form-data"' in body and 'type="file"' in body


@pytest.mark.django_db
def test_upload_enrols_everyone_and_summarises(client, instructor, course, learner, other_learner):
    enrollment_create(user=other_learner, course=course)
    client.force_login(instructor)
    response = upload(client, course, "email,name\nLena@example.org,Lena\nomar@example.org,Omar\n")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enrolment complete" in body
    assert "1 learner enrolled; 1 was already enrolled." in body
    assert response.context["results"] == [
        (ei.EmailRow(2, "lena@example.org"), False),
        (ei.EmailRow(3, "omar@example.org"), True),
    ]
    assert Enrollment.objects.active().filter(course=course).count() == 2


@pytest.mark.django_db
def test_one_bad_row_enrols_nobody_and_reports_each_row(
    client, instructor, course, learner, other_learner
):
    client.force_login(instructor)
    before = Enrollment.objects.count()
    response = upload(
        client,
        course,
        "email\nlena@example.org\nnot-an-email\nomar@example.org\nghost@example.org\n"
        "LENA@example.org\n",
    )
    assert response.status_code == 200
    assert Enrollment.objects.count() == before
    assert [(e.number, e.value) for e in response.context["row_errors"]] == [
        (3, "not-an-email"),
        (5, "ghost@example.org"),
        (6, "lena@example.org"),
    ]
    body = response.content.decode()
    assert "Nobody was enrolled" in body
    assert "3 rows need fixing" in body
    assert "This isn&#x27;t a valid email address." in body
    assert "Listed already on row 2." in body
    assert 'type="file"' in body  # the form is still there


@pytest.mark.django_db
def test_missing_prerequisite_enrols_nobody_and_names_the_row(
    client, instructor, advanced, learner, other_learner
):
    client.force_login(instructor)
    response = upload(client, advanced, "lena@example.org\nomar@example.org\n")
    assert Enrollment.objects.filter(course=advanced).count() == 0
    errors = response.context["row_errors"]
    assert [(e.number, e.value) for e in errors] == [
        (1, "lena@example.org"),
        (2, "omar@example.org"),
    ]
    assert errors[0].message.startswith("Complete “Reading generated frames”")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.csv", b"a" * (ei.MAX_UPLOAD_BYTES + 1), "larger than the 1.0 MB limit"),
        ("latin.csv", "lena.müller@example.org".encode("latin-1"), "UTF-8"),
        ("sheet.xlsx", b"PK\x03\x04", "File extension"),
        ("empty.csv", b"", "The submitted file is empty."),
        (
            "many.csv",
            "".join(f"l{n}@example.org\n" for n in range(ei.MAX_ROWS + 1)).encode(),
            "more than 5,000 rows",
        ),
    ],
)
def test_unusable_files_get_a_clear_error(client, instructor, course, name, content, message):
    client.force_login(instructor)
    response = upload(client, course, content, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert "Nobody was enrolled" in response.content.decode()
    assert Enrollment.objects.count() == 0


@pytest.mark.django_db
def test_only_the_courses_instructors_and_superusers_may_upload(
    client, course, learner, other_instructor, admin_user
):
    client.force_login(other_instructor)
    assert upload(client, course, "lena@example.org\n").status_code == 404
    assert Enrollment.objects.count() == 0
    client.force_login(learner)
    assert upload(client, course, "lena@example.org\n").status_code == 302
    assert Enrollment.objects.count() == 0
    client.force_login(admin_user)
    assert upload(client, course, "lena@example.org\n").status_code == 200
    assert Enrollment.objects.filter(user=learner, course=course).exists()


@pytest.mark.django_db
def test_an_unpublished_course_takes_no_enrolments(client, instructor, course, learner):
    course.unpublish()
    client.force_login(instructor)
    response = upload(client, course, "lena@example.org\n")
    assert "isn&#x27;t published" in response.content.decode()
    assert Enrollment.objects.count() == 0
