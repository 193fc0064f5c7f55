"""marshmallow schemas: the shapes at the edges (bank files, API bodies, responses, exports)."""
