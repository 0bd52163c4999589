-- placeholder: the auth service's first tables come with its issue
SELECT 1;
