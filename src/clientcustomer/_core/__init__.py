"""Plumbing under every concept: validation, strict JSON (cattrs), JSON Schema, notebook HTML.

Nothing here knows the domain; everything above may import it. Private: the public API is the
package root, `clientcustomer`.
"""
