"""relay: outbound webhook delivery for tenants."""

from .clock import Clock, ManualClock, SystemClock
from .dispatcher import Dispatcher, DispatcherConfig, Outcome
from .models import DeliveryRequest, DeliveryResult, Job, JobStatus, TenantConfig
from .store import JobStore

__version__ = "2.31.0"
