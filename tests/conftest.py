from hypothesis import HealthCheck, settings

# A fixed example budget and derandomised generation: CI runs the same examples every time.
settings.register_profile(
    "default",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")
