import time
import pytest

@pytest.mark.django_db(transaction=True)
def test_time():
    from quanzi.demo.runner import run_seeders
    t = time.perf_counter()
    run = run_seeders(small=True)
    print("SEED", time.perf_counter() - t, run.lines())
