#!/usr/bin/env python3
"""Captures the request bodies kubectl sends for typed commands, for ProtobufDecoderGoldenTest.

For each command below and each kubectl version given, runs kubectl against a throwaway HTTP
server on 127.0.0.1 that records the first request body and answers 415, and saves the body as
kubectl/NAME.vX.Y.pb (protobuf, kubectl 1.32+) or kubectl/NAME.vX.Y.json (JSON, older kubectl),
and lists the commands in kubectl/commands.txt.

  capture.py [KUBECTL_DIR] [VERSION...]    (default: /usr/lib/google-cloud-sdk/bin 1.31 1.33;
                                            kubectl 1.32 sends the same bytes as 1.33)
"""

import http.server
import os
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))

COMMANDS = {
    'namespace': ['create', 'namespace', 'x'],
    'configmap': ['create', 'configmap', 'y', '--from-literal=a=b'],
    'configmap-files': ['create', 'configmap', 'files', '-n', 'other', '--from-literal=z=1',
                        '--from-literal=a=2', '--from-file=bin={bin}', '--from-file=text={text}'],
    'deployment': ['create', 'deployment', 'web', '--image=nginx:1.14.2', '--replicas=3'],
    'deployment-zero': ['create', 'deployment', 'zero', '--image=nginx', '--image=busybox',
                        '--replicas=0', '--port=8080'],
    'secret': ['create', 'secret', 'generic', 's', '--from-literal=k=v', '--from-literal=empty=',
               '--from-file=bin={bin}'],
    'secret-docker': ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u',
                      '--docker-password=p', '--docker-server=example.com'],
    'service': ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080'],
    'service-headless': ['create', 'service', 'clusterip', 'headless', '--clusterip=None'],
    'service-nodeport': ['create', 'service', 'nodeport', 'np', '--tcp=80:http',
                         '--node-port=30080'],
    'service-loadbalancer': ['create', 'service', 'loadbalancer', 'lb', '--tcp=5678:8080',
                             '--tcp=443'],
    'service-externalname': ['create', 'service', 'externalname', 'ext',
                             '--external-name=example.com'],
    'serviceaccount': ['create', 'serviceaccount', 'robot'],
    'job': ['create', 'job', 'j', '--image=busybox'],
    'job-command': ['create', 'job', 'j2', '--image=busybox', '--', 'sh', '-c', 'echo hi'],
    'cronjob': ['create', 'cronjob', 'c', '--image=busybox', '--schedule=*/1 * * * *'],
    'cronjob-restart': ['create', 'cronjob', 'c2', '--image=busybox', '--schedule=@hourly',
                        '--restart=Never', '--', 'date'],
    'pdb': ['create', 'poddisruptionbudget', 'pdb', '--selector=app=x', '--min-available=1'],
    'pdb-percent': ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=x,tier in (a,b)',
                    '--max-unavailable=50%'],
}


class Recorder(http.server.BaseHTTPRequestHandler):
    body = None

    def handle_any(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        if Recorder.body is None and body:
            Recorder.body = (self.headers.get('Content-Type'), body)
        msg = b'{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"UnsupportedMediaType","code":415}'
        self.send_response(415)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(msg)))
        self.end_headers()
        self.wfile.write(msg)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def log_message(self, *args):
        pass


def capture(kubectl, args):
    Recorder.body = None
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        subprocess.run([kubectl, '--server', 'http://127.0.0.1:%d' % server.server_port] + args,
                       capture_output=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    return Recorder.body


def main():
    kubectl_dir = sys.argv[1] if len(sys.argv) > 1 else '/usr/lib/google-cloud-sdk/bin'
    versions = sys.argv[2:] or ['1.31', '1.33']
    out = os.path.join(HERE, 'kubectl')
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {'bin': os.path.join(tmp, 'bin'), 'text': os.path.join(tmp, 'text')}
        with open(files['bin'], 'wb') as f:
            f.write(bytes([0, 1, 2, 0xfe, 0xff, 0x80]))
        with open(files['text'], 'w') as f:
            f.write('line one\nline two\n')
        index = ['# The captured commands, one a line: NAME, then as a comment what kubectl ran.']
        for name, args in COMMANDS.items():
            index.append('%-22s # kubectl %s' % (name, ' '.join(args)))
            args = [a.format(**files) for a in args]
            for v in versions:
                got = capture(os.path.join(kubectl_dir, 'kubectl.' + v), args)
                if got is None:
                    sys.exit('kubectl %s sent no body for %s' % (v, name))
                content_type, body = got
                ext = 'pb' if 'protobuf' in content_type else 'json'
                with open(os.path.join(out, '%s.v%s.%s' % (name, v, ext)), 'wb') as f:
                    f.write(body)
                print('%-22s v%s %-40s %d bytes' % (name, v, content_type, len(body)))
    with open(os.path.join(out, 'commands.txt'), 'w') as f:
        f.write('\n'.join(index) + '\n')


if __name__ == '__main__':
    main()
