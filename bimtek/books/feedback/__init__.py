"""Feedback for the OPD that sent files with problems, and a submission overview for the coordinator.

attribution  who sent each file (inbox sub-folder, intake template's OPD, majority row OPD, file name); every
             problem of a file goes to its sender, a row naming an unknown OPD included (no letter to that OPD)
letters      one dated, numbered, signed letter (naskah dinas, templates/feedback-opd.html.j2) and one .xlsx list
             per sender; numbers unique per region and year come from bimtek.store.letter_numbers
overview     one row per OPD for the coordinator, each file counted once (templates/feedback-overview.html.j2)
"""

from bimtek.books.feedback.attribution import UNKNOWN_SENDER
from bimtek.books.feedback.letters import (
    FEEDBACK_COLUMNS,
    FeedbackDoc,
    feedback_by_opd,
    letter_date,
    letter_recipients,
    next_event,
    render_feedback_html,
)
from bimtek.books.feedback.overview import (
    OVERVIEW_COLUMNS,
    STATUS_COMPLETE,
    STATUS_FIX,
    STATUS_MISSING,
    overview_html,
    overview_xlsx,
    submission_overview,
)

__all__ = [
    "FEEDBACK_COLUMNS",
    "OVERVIEW_COLUMNS",
    "STATUS_COMPLETE",
    "STATUS_FIX",
    "STATUS_MISSING",
    "UNKNOWN_SENDER",
    "FeedbackDoc",
    "feedback_by_opd",
    "letter_date",
    "letter_recipients",
    "next_event",
    "overview_html",
    "overview_xlsx",
    "render_feedback_html",
    "submission_overview",
]
