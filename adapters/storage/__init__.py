"""Storage adapter: SQLAlchemy Core tables behind the repository ports, Alembic migrations and
credentials encrypted at rest.

    engine = make_engine(url)         # the configured URL, else var/sales-inbox.sqlite3
    migrate(engine)                   # alembic upgrade head; safe to call on every start
    uow = SqlAlchemyUnitOfWork(engine, load_secret_box(key_file, {"SALES_INBOX_SECRET_KEY": key}))
"""

from adapters.storage.crypto import SecretBox, load_secret_box
from adapters.storage.engine import make_engine
from adapters.storage.migrate import migrate
from adapters.storage.uow import SqlAlchemyUnitOfWork

__all__ = ["SecretBox", "SqlAlchemyUnitOfWork", "load_secret_box", "make_engine", "migrate"]
