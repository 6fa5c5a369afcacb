"""Verifiable ballots on the platform (docs/crypto.md §11, docs/record.md §9). See the docstring below once the
services land."""
