-- placeholder: the fortnox_sandbox service's first tables come with its issue
SELECT 1;
