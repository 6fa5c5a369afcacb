"""What every app needs and no app owns: background jobs, rate limits, the Celery application.

The core sits below the Django apps and above the libraries (`omov.count`, `omov.crypto`): it imports Django
and Celery but never an app of ours nor the Django project `omov.web` (docs/architecture.md; the import
contracts in pyproject.toml, checked by tests/test_architecture.py).
"""
