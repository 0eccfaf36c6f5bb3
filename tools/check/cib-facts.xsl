<?xml version="1.0"?>
<!-- Flattens the facts the check needs from a CIB into tab-separated lines. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:variable name="t" select="'&#9;'"/>
  <xsl:variable name="n" select="'&#10;'"/>
  <xsl:template match="/">
    <xsl:for-each select="/cib/configuration/nodes/node">
      <xsl:value-of select="concat('NODE', $t, @id, $t, @uname, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="/cib/configuration/constraints/rsc_location[@node]">
      <xsl:value-of select="concat('LOC', $t, @id, $t, @rsc, $t, @node, $t, @score, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="/cib/configuration//expression[@attribute = '#uname']">
      <xsl:value-of select="concat('UNAME', $t, @id, $t, @value, $n)"/>
    </xsl:for-each>
    <xsl:for-each select="/cib/configuration/resources//primitive/operations/op">
      <xsl:value-of select="concat('OP', $t, ../../@id, $t, @name, $t, @interval, $t, @role, $n)"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
