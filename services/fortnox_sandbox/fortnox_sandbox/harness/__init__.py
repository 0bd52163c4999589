"""Client-side helpers of the sandbox for tests: see fortnox_sandbox.testing."""
