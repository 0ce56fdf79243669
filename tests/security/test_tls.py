"""TLS: certificates are verified by default (against the CA bundle httpx would use, read only
when a TLS connection needs it); ssl_verify=False works and warns once per process."""
from __future__ import annotations

import gc
import shutil
import ssl
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

from fault_server import FaultServer
from gradio_nb import Client
from gradio_nb.client._exceptions import ConnectionFailed

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command")


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = FaultServer(ssl_context=context).start()
    server.cert = str(cert)
    yield server
    server.stop()


def test_self_signed_certificate_is_refused_by_default(tls_server):
    assert tls_server.url.startswith("https://")
    with pytest.raises(ConnectionFailed) as info:
        Client(tls_server.url, verbose=False)
    assert not tls_server.joins()
    print("\nmessage:", info.value)


def test_certificate_failure_says_so(tls_server):
    with pytest.raises(ConnectionFailed, match="(?i)certificate|TLS|SSL"):
        Client(tls_server.url, verbose=False)


def test_refused_certificate_leaves_no_socket_open(tls_server):
    """Both discovery requests fail the handshake; neither socket may wait for the GC."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for _ in range(3):
            with pytest.raises(ConnectionFailed):
                Client(tls_server.url, verbose=False)
        time.sleep(0.2)  # the loop thread runs the transports' close callbacks
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks


def test_ssl_verify_false_connects_and_warns_once(tls_server):
    code = textwrap.dedent(f"""
        import warnings
        from gradio_nb import Client
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                c = Client({tls_server.url!r}, ssl_verify=False, verbose=False)
                assert c.predict("over tls", api_name="/echo") == "over tls"
                c.close()
        mine = [w for w in caught if "ssl_verify" in str(w.message)]
        print("WARNINGS", len(mine), [w.category.__name__ for w in mine])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "WARNINGS 1 ['UserWarning']" in out.stdout, out.stdout + out.stderr


def test_a_trusted_certificate_connects_and_the_ca_bundle_loads_only_for_tls(tls_server):
    # SSL_CERT_FILE is the CA setting httpx honours; the bundle is read at the first handshake,
    # so a Client of a plain-HTTP app never pays for it.
    code = textwrap.dedent(f"""
        import os
        os.environ["SSL_CERT_FILE"] = {tls_server.cert!r}
        from gradio_nb import Client
        from gradio_nb.client import _transport
        c = Client({tls_server.url!r}, verbose=False)
        assert c.predict("verified", api_name="/echo") == "verified"
        c.close()
        print("LOADED", [ctx.cert_store_stats()["x509_ca"] for ctx in _transport._ssl_contexts.values()])
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "LOADED [1]" in out.stdout, out.stdout + out.stderr


def test_a_plain_http_client_never_reads_the_ca_bundle():
    plain = FaultServer().start()
    try:
        code = textwrap.dedent(f"""
            from gradio_nb import Client
            from gradio_nb.client import _transport
            with Client({plain.url!r}, verbose=False) as c:
                assert c.predict("plain", api_name="/echo") == "plain"
            print("LOADED", [ctx.cert_store_stats()["x509_ca"] for ctx in _transport._ssl_contexts.values()])
        """)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    finally:
        plain.stop()
    assert "LOADED [0]" in out.stdout, out.stdout + out.stderr
