-- {{ comment }}
select
    hypothesis_rank,
    users_wrong as users_differing,
    users_missing as users_only_in_replay,
    users_extra as users_only_in_platform,
    users_right,
    users_total
from marts.recon_load_hypotheses
where {{ condition }}
