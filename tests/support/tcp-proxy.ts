/** A loopback TCP forwarder to cut one client off a real server: the same helper the unit suites use. */
export { closedPort, TcpProxy } from '@dicom-router/messaging/testing';
