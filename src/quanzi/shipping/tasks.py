from quanzi.core.sweeps import register_sweep
from quanzi.shipping.services import sandbox_carrier_sweep

register_sweep("sandbox_carrier")(sandbox_carrier_sweep)
