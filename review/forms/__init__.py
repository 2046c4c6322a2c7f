"""Forms of the review committee's pages, one module per area: the expert pool and panels (``panel``), meetings
and scores (``meetings``), decisions (``decisions``)."""
