-- The Redshift ML walkthrough (fraud detection with an MLP), as run against redduck with psql:
--   make serve                                     (another terminal)
--   python examples/creditcard/generate.py --out data/creditcard.csv
--   psql -h 127.0.0.1 -p 5433 -d redduck -v datafile="$PWD/data/creditcard.csv" -f examples/creditcard/walkthrough.sql
\set ON_ERROR_STOP on

DROP TABLE IF EXISTS creditcardsfrauds;
DROP MODEL IF EXISTS creditcardsfrauds_mlp;
CREATE TABLE creditcardsfrauds (
    txtime integer,
    v1 float8, v2 float8, v3 float8, v4 float8, v5 float8, v6 float8, v7 float8,
    v8 float8, v9 float8, v10 float8, v11 float8, v12 float8, v13 float8, v14 float8,
    v15 float8, v16 float8, v17 float8, v18 float8, v19 float8, v20 float8, v21 float8,
    v22 float8, v23 float8, v24 float8, v25 float8, v26 float8, v27 float8, v28 float8,
    amount float8,
    class integer
);

COPY creditcardsfrauds
FROM :'datafile'
IAM_ROLE default
CSV QUOTE as '\"' delimiter ',' IGNOREHEADER 1 maxerror 100
REGION 'us-east-1';

-- the 80 % cutoff on txtime, as the blog computes it
SELECT max(txtime) AS cutoff FROM (
  SELECT txtime, row_number() OVER (ORDER BY txtime) AS rn, count(*) OVER () AS n
  FROM creditcardsfrauds) s
WHERE rn <= ceil(n * 0.80) \gset

CREATE model creditcardsfrauds_mlp
FROM (select * from creditcardsfrauds where txtime < :cutoff)
TARGET class
FUNCTION creditcardsfrauds_mlp_fn
IAM_ROLE default
SETTINGS (
      S3_BUCKET '<<your-amazon-s3-bucket-name>>',
      MAX_RUNTIME 9600
      );

-- psql cannot loop on SHOW MODEL; wait_for_model blocks until training ends
SELECT wait_for_model('creditcardsfrauds_mlp');
show model creditcardsfrauds_mlp;

select json_table.report.explanations.kernel_shap.label0.global_shap_values
FROM (select explain_model('creditcardsfrauds_mlp') as report) as json_table;

select actualvspredicted, count(*) from (
  select class,
      creditcardsfrauds_mlp_fn(txtime,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11,v12,v13,v14,v15,v16,v17,v18,v19,v20,v21,v22,v23,v24,v25,v26,v27,v28,amount) as predicted,
      CASE WHEN class = predicted
      THEN 'PredictedMatchesActual'
      else 'NoMatch'
      END as actualvspredicted
    FROM creditcardsfrauds
    WHERE txtime >= :cutoff)
group by actualvspredicted;

DROP TABLE IF EXISTS creditcardsfrauds_staging;
CREATE TABLE creditcardsfrauds_staging as (select * from creditcardsfrauds limit 0);
Alter table creditcardsfrauds_staging drop column class;

insert into creditcardsfrauds_staging values(174965,-39999.11383160738512,0.58586417180689,-5.39973021073242,1.81709247345531,-0.840618465991056,-2.94354779071974,-2.20800192003372,1.05873267723056,-1.63233334974982,-5000.24598383776964,11.93351953683592,-53046479695456,-1.12745457501155,-666666.41662797597451,0.141237234328704,-2.54949823633632,-4.61471706851594,-10.47813794126038,-0.0354803664667244,0.306270740368093,0.583275998701341,-0.269208637986581,-0.456107772584008,-0.183659129549716,-0.328167759255761,0.606115810329683,0.884875539542905,-0.253700318894381,-2450000000);

SELECT txtime, creditcardsfrauds_mlp_fn(txtime,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11,v12,v13,v14,v15,v16,v17,v18,v19,v20,v21,v22,v23,v24,v25,v26,v27,v28,amount)
FROM creditcardsfrauds_staging;

Select txtime, predictedActive.labels[0], predictedActive.probabilities[0]
from (
SELECT txtime, creditcardsfrauds_mlp_fn_prob(txtime,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11,v12,v13,v14,v15,v16,v17,v18,v19,v20,v21,v22,v23,v24,v25,v26,v27,v28,amount)as predictedACtive
FROM creditcardsfrauds_staging ) temp;

DROP MODEL creditcardsfrauds_mlp;
