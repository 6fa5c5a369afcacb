"""omov.members: organisations, their tree of units and affiliates, members, and the CSV import."""
