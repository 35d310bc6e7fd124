# A stop on SIGTERM is a clean stop: exit status 0 once the connections are closed.
raise_exception_on_sigterm false
