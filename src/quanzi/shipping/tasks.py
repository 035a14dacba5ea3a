from quanzi.core.sweeps import sweeps
from quanzi.shipping.services import sandbox_carrier_sweep

sweeps.register(sandbox_carrier_sweep, key="sandbox_carrier")
