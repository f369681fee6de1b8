-- The discrepancy as the client sees it: the client's table against the platform's.
{{ comparison_mart('client_vs_platform', reference='client', compared='platform') }}
