"""Who may use design-space exploration: lab staff (the lab tenant's office roles) only.

A sweep is the lab engineer's tool for choosing a platform to build ("for this workload and scenario, which
platform should I build?", issue 12 C); applicants see the verification requests made from it, not the sweep.
Registered on import (``hwsim.apps.HwsimConfig.ready``).
"""

import rules

from platform_site.rules import is_office_staff

rules.add_perm("hwsim.view_dse", is_office_staff)
rules.add_perm("hwsim.create_dse", is_office_staff)
rules.add_perm("hwsim.cancel_dse", is_office_staff)
rules.add_perm("hwsim.verify_dse_point", is_office_staff)
