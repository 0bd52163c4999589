"""Events the settings service publishes. Never a secret; a bank account number only masked.

| type | when | data |
|---|---|---|
| `settings.payment_method_changed` v1 | an administrator saved a different payment method | method, display, bank_name, revision, changed_by, changed_at |

`method` is `bankgiro`, `plusgiro` or `bank_account`; `display` is the number as people write
it ("123-4567", "12 34 56-7"); for a bank account only the clearing number and the last four
digits ("8327-9, ****7890"). Consumers that need the full number ask the settings service.
`revision` grows by one per change of the organisation's payment method.
"""

from marshmallow import fields, validate

from servicekit.contracts.base import EventData


class PaymentMethodChangedV1(EventData):
    method = fields.String(
        required=True, validate=validate.OneOf(["bankgiro", "plusgiro", "bank_account"])
    )
    display = fields.String(required=True)
    bank_name = fields.String(allow_none=True, load_default=None)
    revision = fields.Integer(required=True, validate=validate.Range(min=1))
    changed_by = fields.String(required=True)
    changed_at = fields.AwareDateTime(required=True)


CONTRACTS = {("settings.payment_method_changed", 1): PaymentMethodChangedV1}
