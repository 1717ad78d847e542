"""The mail path every service shares: a mail outbox written with the change, a worker that
delivers it (to a folder by default, or over SMTP), and a dedupe key for "send this once".

A service declares `class MailMessage(MailMessageMixin, Base)` with `__tablename__ =
"mail_outbox"`, queues with `enqueue(...)` in its request's transaction, and adds
`mail_worker(MailMessage)` to its lifespan resources.
"""

from nic_shared.mail.model import MailAttachment, MailMessageMixin, mail_outbox_columns
from nic_shared.mail.outbox import enqueue
from nic_shared.mail.worker import MailWorker, mail_worker

__all__ = [
    "MailAttachment",
    "MailMessageMixin",
    "MailWorker",
    "enqueue",
    "mail_outbox_columns",
    "mail_worker",
]
