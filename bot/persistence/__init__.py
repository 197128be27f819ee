"""Storage: SQLAlchemy models, one session per unit of work, Alembic migrations."""
