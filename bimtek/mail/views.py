from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from bimtek.auth.models import Role
from bimtek.courses.access import course_roles_required, of_course_or_404
from bimtek.mail import bp, services
from bimtek.mail.models import JobStatus, MailJob, MessageStatus
from bimtek.unit_of_work import refusal_shown


@bp.route("/courses/<course_code>/mail")
@course_roles_required(Role.ORGANISER)
def course_mail(course):
    """What was sent to whom, newest first, with the latest sending jobs."""
    return render_template("mail/course.html", course=course,
                           jobs=services.jobs_of_course(course.id),
                           page=services.messages_of_course(
                               course.id, page=request.args.get("page", 1, type=int)),
                           Status=MessageStatus, JobStatus=JobStatus)


@bp.route("/courses/<course_code>/mail/<int:message_id>")
@course_roles_required(Role.ORGANISER)
def message(course, message_id: int):
    outgoing = services.message_of_course(course.id, message_id)
    if outgoing is None:
        abort(404)
    return render_template("mail/message.html", course=course, message=outgoing,
                           Status=MessageStatus)


@bp.route("/courses/<course_code>/mail/jobs/<int:job_id>")
@course_roles_required(Role.ORGANISER)
def job(course, job_id: int):
    job = of_course_or_404(MailJob, job_id, course)
    template = "mail/_job_status.html" if request.headers.get("HX-Request") \
        else "mail/job.html"
    return render_template(template, course=course, job=job, Status=JobStatus)


@bp.route("/courses/<course_code>/mail/jobs/<int:job_id>/retry", methods=["POST"])
@course_roles_required(Role.ORGANISER)
def retry(course, job_id: int):
    job = of_course_or_404(MailJob, job_id, course)
    with refusal_shown(category="warning"):
        services.retry_job(job)
    return redirect(url_for("mail.job", course_code=course.code, job_id=job.id))
