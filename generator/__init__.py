"""codegen: turn Stripe's OpenAPI spec into a typed, vendorable Python client and its docs."""

__version__ = "0.1.0"
