"""The machinery both API clients share, in one place.

Every client operation is written once, as a *plan*: a generator that yields steps and receives
what each step produced. The vocabulary (:mod:`.steps`) is the same for Reddio and Omnia:

- :class:`~.steps.Request`: send one HTTP request. A safe one (a GET) is retried by the driver;
  an unsafe one (a POST) is sent once, and a lost answer comes back as :class:`~.steps.NoAnswer`.
- :class:`~.steps.Sleep`: wait.
- :class:`~.steps.Exclusive`: run a sub-plan holding the lock of a scope (one sender's nonce).
- :class:`~.steps.Extend`: give the call more time than its deadline (a wait's own budget).
- :class:`~.steps.Invoke`: call something outside the plan (a signer, the journal).

:mod:`.writes` holds the exactly-once rule for a write (a pure decision plus a short loop),
:mod:`.answers` turns an HTTP answer into JSON or into our error, :mod:`.transport` holds
timeouts, retries and the httpx client, and :mod:`.driver` carries plans out, sync or async,
each public call within one deadline. :mod:`.secret` keeps secrets out of every text.
"""
