-- Per delta file: the users whose newest row (largest batch_id) it holds, how many of
-- those rows the platform's table holds exactly, and the spend they carry.
select
    source_file,
    winning_users as newest_rows,
    winning_users_on_platform as on_platform,
    winning_total_spend as newest_spend,
    winning_total_spend_on_platform as newest_spend_on_platform
from marts.recon_delta_files
order by file_position
