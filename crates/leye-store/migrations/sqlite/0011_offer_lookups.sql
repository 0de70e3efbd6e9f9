-- Saving a sweep marks each open offer applied or paid when an application exists for the
-- same measure and subject (a correlated lookup per offer). Without this index SQLite scanned
-- every application for every offer: quadratic once a city has a year of applications.
CREATE INDEX applications_measure_subject ON applications(measure, subject);
