-- placeholder: the settings service's first tables come with its issue
SELECT 1;
