-- placeholder: the tokens service's first tables come with its issue
SELECT 1;
