"""Example dispatch policies, named in configs by import path (``policies.seat_reserve:...``).

A config in ``examples/`` finds this package because yingji imports a policy
module from the config's own folder first (see ``sim/policy_import.py``).
"""
