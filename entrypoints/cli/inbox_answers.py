"""A person's answer after a lost answer, on the command line (the order page offers the same):
`inbox payment ORDER_ID --question A.N --booked|--not-booked`,
`inbox connect ORDER_ID --question A.N --delivered|--not-delivered`,
`inbox document ORDER_ID --question A.N --created DOCUMENT_ID|--not-created`."""

from __future__ import annotations

import click

from application.commands import (
    AnswerConnectCheck,
    AnswerDocumentCheck,
    AnswerPaymentCheck,
    ProcessOrder,
)
from application.errors import SalesInboxError

BY = "command line"  # who answered, as the order's steps show it
QUESTION = click.option(
    "--question", metavar="A.N", required=True,
    help="the question the review asks, as its message names it (1.0 where it names none): "
         "an answer to an earlier question is refused, so it never applies to a later attempt")


def register(inbox: click.Group, one) -> None:
    """Add the answers to the `inbox` group; `one(order_id, channel_id)` finds the item."""

    _yes_or_no(inbox, one, "payment", "--booked/--not-booked", AnswerPaymentCheck,
               "what PayTraq shows for a payment whose answer was lost",
               "Settle a `payment_uncertain` review: it was booked (record it) or not (book it "
               "now).")
    _yes_or_no(inbox, one, "connect", "--delivered/--not-delivered", AnswerConnectCheck,
               "what PayTraq shows for an order whose Connect answer was lost",
               "Settle a `connect_uncertain` review: delivered (taken as sent) or not (send "
               "again).")

    @inbox.command("document")
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option("--created", "document_id", metavar="DOCUMENT_ID",
                  help="PayTraq holds this order's document: its id (the number in its address)")
    @click.option("--not-created", is_flag=True,
                  help="PayTraq holds no document with this order's reference: create it")
    @QUESTION
    def document(order_id, channel_id, document_id, not_created, question):
        """Settle a `document_uncertain` review: the document PayTraq holds, or none."""
        if (document_id is None) == (not not_created):
            raise click.UsageError("give exactly one of --created DOCUMENT_ID or --not-created")
        answered = None if not_created else document_id
        _settle(one, order_id, channel_id,
                lambda c, o: AnswerDocumentCheck(c, o, answered, question, BY))


def _yes_or_no(inbox: click.Group, one, name: str, flags: str, answer, what: str,
               doc: str) -> None:
    """`inbox NAME ORDER_ID --question A.N --yes|--no`: a yes/no answer (`answer`, a command
    taking channel, order, the answer, the question and who answered)."""

    @inbox.command(name, help=doc)
    @click.argument("order_id")
    @click.option("--channel", "channel_id")
    @click.option(flags, "said", required=True, help=what)
    @QUESTION
    def answered(order_id, channel_id, said, question):
        _settle(one, order_id, channel_id, lambda c, o: answer(c, o, said, question, BY))


def _settle(one, order_id: str, channel_id: str | None, answer) -> None:
    """A person's answer to an uncertain write, then the order is processed again."""
    runtime, item = one(order_id, channel_id)
    runtime.bus().handle(answer(item.channel_id, item.order_id))
    try:
        runtime.bus().handle(ProcessOrder(item.channel_id, item.order_id, manual=True))
    except SalesInboxError as error:  # the answer stands: only the processing is owed
        raise click.ClickException(
            f"answer recorded; processing it: {error} — the workers retry it, or run "
            f"`sales-inbox inbox process {item.order_id}`") from None
    _, item = one(order_id, item.channel_id)
    click.echo(f"{item.order_id}: {item.status.value}")
