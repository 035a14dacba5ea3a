import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{os.environ.get('QUANZI_ENV', 'dev')}")

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
