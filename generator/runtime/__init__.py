"""The runtime every generated package ships: these modules are copied into it unchanged.

They import each other relatively and take the per-package values from `_constants`, whose
generated version comes from `templates/package/_constants.py.jinja`; the copy here holds the
Stripe defaults so that the runtime imports, type-checks and is tested on its own. This
`__init__.py` is not copied.
"""
