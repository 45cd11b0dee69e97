-- Why a run failed, in one line (e.g. stopped by a signal, the catalogue gone, a write under --output refused); null
-- for a run that succeeded or is running. A run whose process died without closing it gets the reason the next run
-- gives when it marks it failed.
alter table runs add column reason text;
