-- One database per service: no service reads another's tables.
CREATE DATABASE intake;
CREATE DATABASE eligibility;
CREATE DATABASE scoring;
CREATE DATABASE registry;
CREATE DATABASE operations;
