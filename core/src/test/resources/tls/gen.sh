#!/bin/sh
# Regenerates the test PEM material in this folder (see README.md). Run it here: sh gen.sh
set -e
DAYS=10000
# A test CA (EC P-256)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days $DAYS \
  -subj "/O=Unicorn Test/CN=Unicorn Test CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > server.ext
printf 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n' > client.ext
# Server, RSA 2048: PKCS#8, PKCS#1 and encrypted PKCS#8 (password "changeit") forms of one key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server-rsa.key
openssl req -new -key server-rsa.key -subj "/O=Unicorn Test/CN=localhost" -out server-rsa.csr
openssl x509 -req -in server-rsa.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -extfile server.ext -out server-rsa.pem
openssl pkey -in server-rsa.key -traditional -out server-rsa-pkcs1.key
openssl pkcs8 -topk8 -in server-rsa.key -v2 aes-256-cbc -passout pass:changeit -out server-rsa-encrypted.key
# Server, EC P-256: PKCS#8 and SEC1 forms of one key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server-ec.key
openssl req -new -key server-ec.key -subj "/O=Unicorn Test/CN=localhost" -out server-ec.csr
openssl x509 -req -in server-ec.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -extfile server.ext -out server-ec.pem
openssl pkey -in server-ec.key -traditional -out server-ec-sec1.key
# A client certificate for alice, signed by the CA
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key
openssl req -new -key client.key -subj "/O=Unicorn Test/CN=alice" -out client.csr
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days $DAYS -extfile client.ext -out client.pem
# A self-signed client certificate the CA did not sign
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout stranger.key -out stranger.pem -days $DAYS \
  -subj "/O=Elsewhere/CN=mallory"
# The chain a server presents: its certificate, then the CA
cat server-rsa.pem ca.pem > server-rsa-chain.pem
rm -f *.csr *.ext ca.srl
