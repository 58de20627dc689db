"""Statistical reports submitted upward (统计报表上报): the city defines a form, each district's
return is filled from its records, reviewed and submitted; the city returns it with a comment or
approves it, which locks the period; later changes to a locked period's records are flagged. The
city's own return is the sum of its districts' approved ones."""
