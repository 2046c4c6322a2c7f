"""REST API of the review committee under ``/api/v1/t/<slug>/review/``, one module per area: invitations and
declarations (``panel``), meetings and scores (``meetings``), decisions (``decisions``)."""
