"""Names of the write-ahead records: an inbox step written, and committed, just before an outside
write whose answer can be lost. Whoever finds one without its result knows to look (or to ask a
person) before writing again; without one, nothing was attempted and nothing is looked up."""

CREATING_DOCUMENT = "creating_document"  # POST sale (REST)
ADDING_PAYMENT = "adding_payment"  # POST sale/{id}/payment, with what the document showed before
SENDING_TO_CONNECT = "sending_to_paytraq_connect"  # POST to the PayTraq Connect URL
