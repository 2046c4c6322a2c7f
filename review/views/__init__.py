"""Pages of the review committee, one module per area: the expert pool (``pool``), panels and invitations
(``panel``), meetings and scoring (``meetings``), decisions (``decisions``), the reviews overview (``overview``)."""
