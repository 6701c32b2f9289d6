"""`python -m connectors.simulators [--host H] [--port P]`: serve the three simulators."""

from __future__ import annotations

import argparse
import logging

from connectors.simulators.running import credentials_from_env, make_server
from connectors.simulators.server import SERVICES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m connectors.simulators", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
    username, password = credentials_from_env()
    server, _app = make_server(args.host, args.port, username, password)
    host, port = server.server_address[:2]
    print(f"Sportello SOAP simulators on http://{host!s}:{port} (user {username!r})")
    for service in SERVICES:
        print(f"  {service:<7} WSDL http://{host!s}:{port}/{service}?wsdl")
    print(f"  control POST http://{host!s}:{port}/_control/<service>, GET .../_control/state")
    print(f'  clock   POST http://{host!s}:{port}/_control/clock {{"days_ahead": N}}')
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
